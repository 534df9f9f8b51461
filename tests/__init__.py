"""The test suite: unit (pure domain), integration, api, realtime, console, phone and browser."""
