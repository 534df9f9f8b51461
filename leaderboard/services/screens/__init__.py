"""TV channels, screens and pairing."""
