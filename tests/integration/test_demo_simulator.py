"""The demo's sales simulator posts real sales through the service, as `make demo` runs it."""
import threading
from pathlib import Path

from sqlalchemy import func, select

from leaderboard.extensions import db
from leaderboard.models.events import Sale
from leaderboard.services.demo import seed, simulator


def test_the_simulator_posts_sales_that_land_in_the_log(app, tmp_path: Path):
    with app.app_context():
        seed.seed(tmp_path)
        before = db.session.scalar(select(func.count()).select_from(Sale))
        db.session.remove()
    result: list[int] = []
    # A failing step is logged and retried forever: a thread with a deadline keeps a regression from hanging.
    runner = threading.Thread(target=lambda: result.append(simulator.run(app, mean_interval=0.001, limit=5)),
                              daemon=True)
    runner.start()
    runner.join(timeout=60)
    assert not runner.is_alive(), "the simulator posted nothing within a minute (see the logged step failures)"
    posted = result[0]
    with app.app_context():
        simulated = db.session.scalar(select(func.count()).select_from(Sale).where(Sale.id.like("sim-%")))
        after = db.session.scalar(select(func.count()).select_from(Sale))
        db.session.remove()
    assert posted == 5 and simulated == 5 and after == before + 5
