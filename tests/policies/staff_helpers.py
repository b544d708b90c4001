"""Building the POST data of the staff edit form from a measure, as a browser would send it."""

from policies.guide import GUIDE_FIELDS

TARGET_FIELDS = ["text", "subject", "quantity", "unit", "comparator", "per", "year", "kind", "tier"]


def edit_data(measure, *, version=None, targets=None, bureaus=None, **changes):
    """The form as loaded for `measure` (all targets kept), with `changes` applied."""
    data = {
        "version": measure.version if version is None else version,
        "title": measure.title,
        "body": measure.body,
        "tiers": [t.slug for t in measure.tiers.all()],
        "themes": [t.slug for t in measure.themes.all()],
        **{name: getattr(measure, name) for name in GUIDE_FIELDS},
    }
    if targets is None:
        targets = [
            {
                "id": t.pk,
                "text": t.text,
                "subject": t.subject,
                "quantity": format(t.quantity.normalize(), "f"),
                "unit": t.unit,
                "comparator": t.comparator,
                "per": t.per,
                "year": t.year or "",
                "kind": t.kind,
                "tier": t.tier.slug if t.tier else "",
            }
            for t in measure.targets.select_related("tier").order_by("order", "pk")
        ]
    # Like the browser, send the blank row the form offers for a new target.
    blank = dict.fromkeys(
        ["text", "subject", "quantity", "unit", "comparator", "per", "year", "kind", "tier"], ""
    )
    data.update(_formset("targets", [*targets, blank], initial=measure.targets.count()))
    if bureaus is not None:
        blank = {"bureau": "", "role": ""}
        data.update(
            _formset("bureaus", [*bureaus, blank], initial=measure.responsibilities.count())
        )
    data.update(changes)
    return data


def _formset(prefix, rows, *, initial):
    data = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = "" if value is None else value
    return data


def resubmit_data(forms):
    """Post back an unbound EditForms exactly as the page shows it (the conflict page's form)."""
    initial = forms.measure.initial
    data = {key: value for key, value in initial.items() if value is not None}
    targets = [{k: ("" if v is None else v) for k, v in t.items()} for t in forms.targets.initial]
    blank = dict.fromkeys(TARGET_FIELDS, "")
    data.update(_formset("targets", [*targets, blank], initial=len(targets)))
    return data
