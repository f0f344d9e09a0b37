"""A new generation of an athlete's stored progression whenever one of its inputs changes.

On PostgreSQL an AFTER row trigger on each input table (the athlete, their sessions, their
pain check-ins) empties the stored answer and adds one to its ``generation`` in the write's
own statement, whoever wrote it (a service, ``QuerySet.update()``, raw SQL); on SQLite,
Django's save and delete signals do it (``connect_signals``, from the app's ``ready``).
``progressions/stored.py`` explains what the generation is for.
"""

from __future__ import annotations

import pgtrigger
from django.db import connection, models
from django.db.models import F
from django.db.models.signals import post_delete, post_save

from athletes.models import Athlete, PainScore, SessionLog
from progressions.models import StoredProgression

_TABLE = StoredProgression._meta.db_table


_NEW_GENERATION = (
    f"INSERT INTO {_TABLE} (athlete_id, generation, recommendation, red_flag_count, rules,"
    " computed_at) VALUES ({athlete}, 1, '', 0, '', now()) ON CONFLICT (athlete_id) DO UPDATE"
    f" SET generation = {_TABLE}.generation + 1, data = NULL, computed_on = NULL,"
    " valid_until = NULL, recommendation = '', red_flag_count = 0, rules = '';"
)


def _new_generation(column: str, *, athlete_table: bool = False) -> pgtrigger.Trigger:
    """An AFTER row trigger: the row's athlete (old and new) gets a new generation.

    On the athletes' own table a delete removes the row instead (the athlete is gone).
    """
    if athlete_table:
        deleted = f"DELETE FROM {_TABLE} WHERE athlete_id = OLD.{column};"
    else:
        deleted = _NEW_GENERATION.format(athlete=f"OLD.{column}")
    return pgtrigger.Trigger(
        name="stored_progression_stale",
        when=pgtrigger.After,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        func=(
            f"IF TG_OP = 'DELETE' THEN {deleted} RETURN NULL; END IF; "
            + _NEW_GENERATION.format(athlete=f"NEW.{column}")
            + f" IF TG_OP = 'UPDATE' AND OLD.{column} IS DISTINCT FROM NEW.{column} THEN "
            + _NEW_GENERATION.format(athlete=f"OLD.{column}")
            + " END IF; RETURN NULL;"
        ),
    )


# What the engine reads: the athlete (stage, settings, name), sessions, pain check-ins.
# Stage changes and reviews reach it through the athlete's stage fields.
INPUTS: dict[type[models.Model], str] = {
    Athlete: "id",
    SessionLog: "athlete_id",
    PainScore: "athlete_id",
}
for _model, _column in INPUTS.items():
    pgtrigger.register(_new_generation(_column, athlete_table=_model is Athlete))(_model)


def _athlete_id(instance: models.Model) -> int:
    return instance.pk if isinstance(instance, Athlete) else instance.athlete_id  # type: ignore[attr-defined]


def triggers_remove_it() -> bool:
    """Return whether the database's triggers empty stored answers (PostgreSQL)."""
    return connection.vendor == "postgresql"


def _input_written(sender: type[models.Model], instance: models.Model, **kwargs: object) -> None:
    # PostgreSQL's trigger has done it already, in the write's own statement.
    if triggers_remove_it():
        return
    athlete_id = _athlete_id(instance)
    emptied = StoredProgression.objects.filter(athlete_id=athlete_id).update(
        generation=F("generation") + 1,
        data=None,
        computed_on=None,
        valid_until=None,
        recommendation="",
        red_flag_count=0,
        rules="",
    )
    if not emptied and Athlete.objects.filter(pk=athlete_id).exists():
        StoredProgression.objects.get_or_create(athlete_id=athlete_id, defaults={"generation": 1})


def connect_signals() -> None:
    """On SQLite (no triggers): empty the stored answer when Django writes an input."""
    for model in INPUTS:
        if model is Athlete:
            # Deleting an athlete deletes the row with it (CASCADE).
            post_save.connect(_input_written, sender=model, dispatch_uid=f"stale-{model.__name__}")
            continue
        for signal in (post_save, post_delete):
            signal.connect(_input_written, sender=model, dispatch_uid=f"stale-{model.__name__}")
