"""Time-lapse memory bound: past the cap, every other older capture goes and the newest stays (CLI and window)."""
from engine.export.timelapse import thin_older


def test_under_the_cap_nothing_changes():
    items = list(range(5))
    assert thin_older(items, 5) == items


def test_past_the_cap_every_other_older_capture_goes_and_the_newest_stays():
    assert thin_older(list(range(6)), 5) == [0, 2, 4, 5]
    kept = list(range(3))
    for step in range(3, 1000):  # what a long run does: append one, thin
        kept = thin_older([*kept, step], 8)
        assert len(kept) <= 8 and kept[-1] == step and kept[0] == 0 and kept == sorted(kept)
