"""leaderboard: sales games for contact centres (contests, lucky draws, site leagues, wallboards)."""


def __getattr__(name: str):
    # Lazy so `leaderboard serve` can let gevent patch the stdlib before the app's imports run.
    if name == "create_app":
        from leaderboard.app import create_app

        return create_app
    raise AttributeError(name)
