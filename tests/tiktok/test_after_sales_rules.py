"""The client's after-sales tables (seller cancel reasons by status, return decisions by
stage, refusal words) agree with what the simulated TikTok Shop enforces."""

from demo.tiktok_simulator.after_sales import DECISIONS
from demo.tiktok_simulator.after_sales import REFUSALS as SIM_REFUSALS
from demo.tiktok_simulator.after_sales_reasons import SELLER_CANCEL_REASONS as SIM_CANCEL_REASONS
from tiktok.after_sales_rules import (
    DECISION_WORDS,
    REFUSALS,
    RETURN_DECISIONS,
    SELLER_CANCEL_REASONS,
    refusal_words,
    seller_cancel_reasons,
)


def test_the_clients_tables_agree_with_the_simulated_tiktok():
    assert set(SELLER_CANCEL_REASONS) == set(SIM_CANCEL_REASONS)
    for status, reasons in SIM_CANCEL_REASONS.items():
        assert set(seller_cancel_reasons(status)) == set(reasons)
    assert seller_cancel_reasons("IN_TRANSIT") == {}
    for action, (approve, reject) in DECISIONS.items():
        stage = next(d for d in RETURN_DECISIONS.values() if d.seller_action == action)
        assert (stage.approve[0], stage.reject) == (approve, reject)
    assert all(
        decision in DECISION_WORDS
        for d in RETURN_DECISIONS.values()
        for decision in (*d.approve, d.reject)
    )
    codes = {code for code, _ in SIM_REFUSALS.values()}
    assert codes <= set(REFUSALS)
    assert "reason" in refusal_words(25001021, "") and "“odd”" in refusal_words(1, "odd")
