"""`make bench-http` judges a scenario with a target (issue 20) on the median of its rounds, each round's
requests/s taken against the /health/ floor loaded just before it: one round in a slow minute does not decide."""

import pytest

from bench import http_bench


def _rounds(*rps):
    return [{"rps": value} for value in rps]


def test_each_round_is_a_share_of_the_floor_loaded_beside_it():
    shares = http_bench.shares_of_floor(_rounds(500, 300, 480), _rounds(2000, 1800, 2400))

    assert shares == [0.25, 300 / 1800, 0.2]


def test_the_summary_prints_the_median_share_and_every_round(capsys):
    grade = next(scenario for scenario in http_bench.SCENARIOS if scenario.name == "post a grade")
    floor = next(scenario for scenario in http_bench.SCENARIOS if scenario.name.startswith("health"))
    # One round ran while the machine was slow (1/6.00); the two others 1/4.00 and 1/4.50.
    shares = http_bench.shares_of_floor(_rounds(500, 300, 480), _rounds(2000, 1800, 2160))
    rows = [
        (floor, {"rps": 2000.0}, None, 1),
        (grade, {"rps": 480.0, "floor_rps": 2000.0, "shares": shares}, None, 5),
    ]

    http_bench.print_summary(rows)

    line = next(line for line in capsys.readouterr().out.splitlines() if "post a grade" in line)
    assert "1/ 4.50" in line
    assert "target >= 1/5: met" in line
    assert "rounds 1/4.00, 1/6.00, 1/4.50" in line


def test_rounds_of_unequal_length_are_refused():
    with pytest.raises(ValueError):
        http_bench.shares_of_floor(_rounds(500, 300), _rounds(2000))
