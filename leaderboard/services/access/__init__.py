"""Who may do what: users, API keys and the principal every service checks."""
