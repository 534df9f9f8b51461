"""Use cases: load rows, call the domain, write, commit, then publish. The only writers."""
