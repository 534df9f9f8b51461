"""Real Chromium driven by Playwright against real server processes."""
