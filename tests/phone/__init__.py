"""The agents' phone page."""
