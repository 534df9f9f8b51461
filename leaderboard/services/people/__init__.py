"""The people side: goal posters, kudos tied to values, anonymous values pulses, and their TV pictures."""
