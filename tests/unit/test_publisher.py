"""The live publisher's promises: exact +1 seqs, coalesced standings, folded sales, visible gaps."""
import itertools

from leaderboard.domain.changes import (
    GoalScored,
    PersonalNumbersChanged,
    ProductRef,
    Ref,
    SaleCounted,
    Score,
    StandingsChanged,
)
from leaderboard.domain.personal import PersonalCard
from leaderboard.realtime.publisher import LivePublisher
from leaderboard.realtime.sequences import MemorySequences


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class Recorder:
    """What went to the contests' full topics (`rooms` keeps every room, the phones' lean topics too)."""

    def __init__(self):
        self.sent = []
        self.rooms = []
        self.fail = False

    def __call__(self, event, payload, room):
        if self.fail:
            raise ConnectionError("queue down")
        self.rooms.append((event, room, payload["seq"]))
        if not room.startswith("phone:"):
            self.sent.append((event, payload))


def make(coalesce=True):
    clock, recorder = FakeClock(), Recorder()
    publisher = LivePublisher(recorder, MemorySequences(), clock)
    publisher.coalesce = coalesce
    return publisher, clock, recorder


def sale(n, contest=1):
    return SaleCounted(contest_id=contest, sale=f"s{n}", agent=Ref("a", "A"), site=Ref("s", "S"),
                       product=ProductRef("P", "Product"), points=10)


def goal(contest=1, match=3):
    return GoalScored(contest_id=contest, match=match, site="s", agent=Ref("a", "A"), sale="s1", minute=5,
                      score=Score(1, 0), home="s", away="t")


STANDINGS = StandingsChanged(1)


def test_seq_increases_by_one_per_topic_across_event_types():
    publisher, _clock, recorder = make()
    publisher([sale(1), goal(), sale(2, contest=2)])
    assert [(e, p["topic"], p["seq"]) for e, p in recorder.sent] == [
        ("sale", "contest:1", 1), ("match.goal", "contest:1", 2), ("sale", "contest:2", 1)]


def test_standings_are_coalesced_to_two_per_second():
    publisher, clock, recorder = make()
    times = []
    for _step in range(30):  # a standings notice every 100 ms for three seconds
        before = len(recorder.sent)
        publisher([STANDINGS])
        publisher.flush()
        times += [clock.now] * (len(recorder.sent) - before)
        clock.now += 0.1
    assert all(later - earlier >= 0.5 - 1e-9 for earlier, later in itertools.pairwise(times))
    assert 5 <= len(times) <= 7  # about two a second, not thirty
    held_back = publisher._topics["contest:1"].standings_pending
    clock.now += 1
    publisher.flush()
    publisher.flush()
    # The last notice is never lost, and never sent twice.
    assert len(recorder.sent) == len(times) + (1 if held_back else 0)


def test_five_sales_a_second_then_folded_with_a_count():
    publisher, clock, recorder = make()
    publisher([sale(n) for n in range(17)])
    sent = [p for e, p in recorder.sent if e == "sale"]
    assert [p["sale"] for p in sent] == ["s0", "s1", "s2", "s3", "s4"]
    clock.now += 1.0
    publisher.flush()
    folded = [p for e, p in recorder.sent if e == "sale"][-1]
    assert folded["sale"] == "s16" and folded["more"] == 11  # 12 held back: this one plus 11 more
    assert [p["seq"] for e, p in recorder.sent] == list(range(1, 7))


def test_without_a_flusher_nothing_is_held_back():
    publisher, _clock, recorder = make(coalesce=False)
    publisher([sale(n) for n in range(8)] + [STANDINGS] * 3)
    assert len(recorder.sent) == 11


def test_a_failed_push_makes_the_next_seq_skip_so_screens_resync():
    publisher, _clock, recorder = make()
    publisher([sale(1)])
    recorder.fail = True
    publisher([goal()])
    recorder.fail = False
    publisher([goal()])
    seqs = [p["seq"] for e, p in recorder.sent]
    assert seqs[0] == 1 and seqs[1] >= 3  # a gap: the screen asks for a snapshot


def test_heartbeat_after_a_failure_moves_the_seq_on():
    publisher, _clock, recorder = make()
    publisher([sale(1)])
    recorder.fail = True
    publisher([sale(2)])
    recorder.fail = False
    publisher.heartbeat()
    beat = recorder.sent[-1]
    assert beat[0] == "heartbeat" and beat[1]["seq"] > 1


def test_every_change_type_has_one_event_name_and_a_json_payload():
    import json
    import typing

    from leaderboard.domain import changes
    from leaderboard.realtime import events

    assert set(typing.get_args(changes.Change)) == set(events.EVENT_NAMES)
    payload = events.payload_of(sale(7))
    assert json.loads(json.dumps(payload)) == {"sale": "s7", "agent": {"key": "a", "name": "A"},
                                               "site": {"key": "s", "name": "S"},
                                               "product": {"code": "P", "name": "Product", "kind": "sale"},
                                               "points": 10}
    assert events.topic_of(sale(7, contest=4)) == "contest:4"
    assert "export const DELTA_EVENTS" in events.browser_module()


def test_phones_lean_topic_gets_the_same_deltas_with_its_own_seqs():
    publisher, _clock, recorder = make()
    publisher([sale(1), goal()])
    assert [r for r in recorder.rooms if r[1] == "phone:1"] == [("sale", "phone:1", 1), ("match.goal", "phone:1", 2)]


def test_a_standings_push_sends_the_personal_deltas_to_the_agents_topics():
    publisher, _clock, recorder = make(coalesce=False)
    card = PersonalCard(contest_id=1, rank=1, points=10, qualified=True, gap=None, nearby=(), tickets=None)
    asked = []

    def personal(topic, picture):
        asked.append(topic)
        return [PersonalNumbersChanged(agent_id=7, card=card)]

    publisher.personal = personal
    publisher([STANDINGS])
    assert asked == ["contest:1"]  # once per push, not again for the phones' topic
    assert [r for r in recorder.rooms if r[1] == "agent:7"] == [("me.card", "agent:7", 1)]
