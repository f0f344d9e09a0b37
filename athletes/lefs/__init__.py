"""The Lower Extremity Functional Scale (LEFS), the outcome measure of SPEC §11.

``scale``: the 20 items, the answer labels, the numbers (total 0–80, MCID 9) with their
source, and the pure rules (when it is due, the change between two totals); ``services``:
start, answer and complete a response; ``selectors``: what the phone and the PT read.
Only ``scale`` is imported here: the models import it, and the others import the models.
"""

from athletes.lefs.scale import (
    ANSWER_LABELS,
    ANSWER_MAX,
    ANSWER_MIN,
    DUE_EVERY_DAYS,
    ITEM_COUNT,
    ITEMS,
    MCID,
    QUESTION,
    TOTAL_MAX,
    LefsChange,
    changes,
    lefs_due,
)

__all__ = [
    "ANSWER_LABELS",
    "ANSWER_MAX",
    "ANSWER_MIN",
    "DUE_EVERY_DAYS",
    "ITEMS",
    "ITEM_COUNT",
    "MCID",
    "QUESTION",
    "TOTAL_MAX",
    "LefsChange",
    "changes",
    "lefs_due",
]
