"""Sites, teams, agents and products, and roster import."""
