"""Pickers, not lists (issue 14): a form field that chooses a person or a household renders a
search box and the few matches the user may see, not every visible record.

The field's queryset stays the policy's visible set (access.visible_people / _households, R6),
so a chosen id is still checked on the server; the picker only replaces the rendering. The
search is POSTed (a name never goes into a URL) and audited like any list (record_reads).
Without JavaScript the search button submits the whole form with `_picker=<field>`, and the
view shows the matches inside the form (picker_fallback).
"""

from django import forms
from django.db.models import Count, Q
from django.forms.utils import ErrorDict
from django.template.loader import render_to_string
from django.urls import reverse

from yorisoi import access
from yorisoi.audit.log import record_reads

from . import selectors
from .names import normalize_for_search

MAX_MATCHES = 20  # enough to find someone by the start of the name; never the whole list
PICKER_BUTTON = "_picker"  # the name of the search button: its value is the field's name


def person_label(person) -> str:
    return f"{person.full_name}（{person.full_name_kana or '－'}）{person.birth_date_display}"


def household_label(household) -> str:
    """Households of the same name are told apart by district and size (issue 14): both are
    on the household's own record, which the user may read."""
    district = household.district.name if household.district_id else "－"
    return f"{household}（{district}・{household.member_count}人）"


def households_with_counts(queryset):
    return queryset.select_related("district").annotate(member_count=Count("memberships"))


def people_matching(*, user, query: str):
    if not normalize_for_search(query or ""):
        return []
    return list(selectors.person_search(user=user, query=query)[:MAX_MATCHES])


def households_matching(*, user, query: str):
    key = normalize_for_search(query or "")
    if not key:
        return []
    # A household is found by its name or by the start of a member's name.
    members = selectors.person_search(user=user, query=query).values("pk")
    found = access.visible_households(user).filter(
        Q(name__icontains=query.strip()) | Q(memberships__person__in=members)
    )
    ids = found.values("pk").distinct()
    visible = access.visible_households(user).filter(pk__in=ids)
    return list(households_with_counts(visible).order_by("name", "pk")[:MAX_MATCHES])


KINDS = {
    "person": (people_matching, person_label, access.person_bases, "person.searched"),
    "household": (
        households_matching,
        household_label,
        access.household_bases,
        "household.searched",
    ),
}


def picker_matches(request, *, kind: str, query: str) -> list[tuple[str, str]]:
    """(id, label) of the records of `kind` matching `query` that the user may see; audited."""
    find, label, bases, action = KINDS[kind]
    found = find(user=request.user, query=query)
    if found:
        record_reads(
            action,
            actor=request.user,
            request=request,
            bases=bases(request.user, [obj.pk for obj in found]),
        )
    return [(str(obj.pk), label(obj)) for obj in found]


class Picker(forms.Widget):
    """A search box, the chosen records (checked boxes or a checked radio) and the matches.

    `kind` is "person" or "household" (searched by people:picker), or another app's kind with
    its own `url` (a view answering like people:picker) and `search(request, query)` giving
    the (id, label) matches for the form without script; `multiple` chooses several."""

    template = "includes/picker.html"

    def __init__(self, *, kind, multiple=False, url="people:picker", search=None, attrs=None):
        self.kind = kind
        self.url = url
        self.search = search
        self.multiple = multiple
        self.allow_multiple_selected = multiple
        self.matches: list[tuple[str, str]] = []
        self.query = ""
        super().__init__(attrs)

    def value_from_datadict(self, data, files, name):
        if self.multiple:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False if self.multiple else name not in data

    def format_value(self, value):
        if value is None or value == "":
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(v) for v in values if v not in (None, "")]

    def _chosen(self, values):
        """The chosen records' labels, from the field's own queryset (the policy's visible
        set), so an id the user may not see is never labelled."""
        choices = getattr(self, "choices", None)
        if not values or choices is None:
            return []
        queryset = choices.queryset
        ids = []
        for value in values:
            try:
                ids.append(queryset.model._meta.pk.to_python(value))
            except forms.ValidationError:
                continue
        if self.kind == "household":  # its label counts the members
            queryset = households_with_counts(queryset)
        found = {str(obj.pk): obj for obj in queryset.filter(pk__in=ids)}
        return [(pk, choices.field.label_from_instance(found[pk])) for pk in values if pk in found]

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        values = self.format_value(value)
        chosen = self._chosen(values)
        chosen_ids = {pk for pk, _label in chosen}
        context = {
            "name": name,
            "id": attrs.get("id", f"id_{name}"),
            "describedby": attrs.get("aria-describedby", ""),
            "kind": self.kind,
            "multiple": self.multiple,
            "required": self.is_required,
            "chosen": chosen,
            "matches": [(pk, label) for pk, label in self.matches if pk not in chosen_ids],
            "searched": bool(self.query),
            "query": self.query,
            "url": reverse(self.url),
            "button": PICKER_BUTTON,
            "limit": MAX_MATCHES,
        }
        return render_to_string(self.template, context)


def picker_fallback(request, form) -> bool:
    """Without JavaScript the picker's search button submits the form: fill that picker's
    matches from what was typed, and say so (the view then shows the form again, unsaved)."""
    name = request.POST.get(PICKER_BUTTON)
    field = form.fields.get(name) if name else None
    if field is None or not isinstance(field.widget, Picker):
        return False
    widget = field.widget
    # Not a submission yet: the form keeps what was entered and shows no errors.
    form._errors = ErrorDict()
    widget.query = request.POST.get(f"{name}__q", "")[:100]
    if widget.search is not None:
        widget.matches = widget.search(request, widget.query)
    else:
        widget.matches = picker_matches(request, kind=widget.kind, query=widget.query)
    return True
