"""Console pages through the Flask test client, signed in through the real form."""
