"""Thin HTTP adapters: parse the request, call a service, serialise the answer."""
