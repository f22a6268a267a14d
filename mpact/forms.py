"""The one input layer: what the database or a mail header cannot hold is refused here, with a
clear message next to the field, for every form of the site and the admin.

PostgreSQL cannot store a NUL character, and a lookup with one fails the whole page; a CR or
LF in a one-line value (a title, a name) ends up in e-mail subjects, where it is refused; a
date in the year 1 becomes a date BC after the time-zone shift, and from then on every page
that reads the row fails. A number past the column's range fails the INSERT. Each form would
have to remember all of this; instead every form in M-Pact is a `Form` or `ModelForm` from
this module (or, for the admin and allauth, made into one by `guarded()`), and the rules
below run for every field, whatever the form:

- one-line text: no control characters at all (so no CR/LF, no NUL, no tab);
- multi-line text (a Textarea): no control characters but tab and line breaks;
- dates and times: between settings.INPUT_EARLIEST_YEAR and INPUT_LATEST_YEAR;
- whole and decimal numbers without a bound of their own: within a 32-bit column's range;
- a row chosen by number: a number a key column can hold.

The raw value is checked before the field parses it, because parsing can already reach the
database (a choice field looks its value up). tests/test_hostile_input.py posts generated
hostile values to every form the URL table lists.
"""

import datetime
import re
from decimal import Decimal
from functools import cache

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The C0 and C1 control characters (Unicode category Cc), as a regular expression class; the
# notification subjects are made one line with the same class (mpact/notifications/services.py).
CONTROL_CHARACTERS = r"\x00-\x1f\x7f-\x9f"
# Those, and the Unicode line and paragraph separators.
ONE_LINE_FORBIDDEN = re.compile(rf"[{CONTROL_CHARACTERS}\u2028\u2029]")
# The same, but tab, line feed and carriage return are part of a text of several lines.
MULTI_LINE_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A 32-bit signed column: the narrowest integer column a number field may be stored in.
NUMBER_LIMIT = 2**31 - 1


def is_multi_line(field: forms.Field) -> bool:
    return isinstance(field.widget, forms.Textarea)


def refuse_unstorable_text(field: forms.Field, raw) -> None:
    """Raise ValidationError when a raw submitted value holds a character it may not."""
    values = raw if isinstance(raw, list | tuple) else [raw]
    forbidden = MULTI_LINE_FORBIDDEN if is_multi_line(field) else ONE_LINE_FORBIDDEN
    for value in values:
        if isinstance(value, str) and forbidden.search(value):
            if forbidden is ONE_LINE_FORBIDDEN and re.search(r"[\r\n\u2028\u2029]", value):
                message = _("Type this on one line, without line breaks.")
            else:
                message = _(
                    "This contains an invisible control character (for example from copying "
                    "and pasting). Please type it again."
                )
            raise ValidationError(message, code="control_character")


# What a 64-bit key column can hold: a choice of a row by a larger number is no choice at all
# (and SQLite cannot even be asked).
KEY_LIMIT = 2**63 - 1


def refuse_unknowable_choice(field: forms.Field, raw) -> None:
    """Raise ValidationError when a choice of a row names it by a number no key can have."""
    if not isinstance(field, forms.ModelChoiceField):
        return
    model = field.queryset.model
    key = model._meta.pk if not field.to_field_name else model._meta.get_field(field.to_field_name)
    if key.get_internal_type() not in INTEGER_KEYS:
        return
    for value in raw if isinstance(raw, list | tuple) else [raw]:
        try:
            number = int(str(value).strip())
        except ValueError:
            continue  # not a number: the field says so itself
        if abs(number) > KEY_LIMIT:
            raise ValidationError(
                _("Select a valid choice. That choice is not one of the available choices."),
                code="invalid_choice",
            )


INTEGER_KEYS = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}


def _year_in_window(year: int) -> bool:
    return settings.INPUT_EARLIEST_YEAR <= year <= settings.INPUT_LATEST_YEAR


def refuse_out_of_range(field: forms.Field, value) -> None:
    """Raise ValidationError when a parsed value is one the database cannot hold or read back."""
    if isinstance(value, datetime.date) and not _year_in_window(value.year):
        raise ValidationError(
            _("Choose a date between %(first)s and %(last)s.")
            % {"first": settings.INPUT_EARLIEST_YEAR, "last": settings.INPUT_LATEST_YEAR},
            code="date_out_of_range",
        )
    if (
        isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField)
        and field.max_value is None
        and isinstance(value, int | float | Decimal)
        and not isinstance(value, bool)
        and abs(value) > NUMBER_LIMIT
    ):
        raise ValidationError(
            _("Enter a number between %(low)s and %(high)s.")
            % {"low": -NUMBER_LIMIT, "high": NUMBER_LIMIT},
            code="number_out_of_range",
        )


def check_date_lookup(year, month=None, day=None) -> bool:
    """Whether a date typed as parts (the admin's date drill-down) is a real date in the window."""
    try:
        day_of = datetime.date(int(year), int(month or 1), int(day or 1))
    except (TypeError, ValueError, OverflowError):
        return False
    return _year_in_window(day_of.year)


def has_forbidden_text(value: str) -> bool:
    """For query strings: a value no list filter or search can use."""
    return bool(ONE_LINE_FORBIDDEN.search(value))


class InputGuardMixin:
    """Runs the rules above for every field of the form (see the module's docstring)."""

    def _clean_fields(self):
        # Django's BaseForm._clean_fields (5.2), with the raw value checked before the field
        # parses it and the parsed value checked before the form's own clean methods see it.
        for name, bf in self._bound_items():
            field = bf.field
            try:
                if not field.disabled:
                    refuse_unstorable_text(field, bf.data)
                    refuse_unknowable_choice(field, bf.data)
                value = field._clean_bound_field(bf)
                refuse_out_of_range(field, value)
                self.cleaned_data[name] = value
                if hasattr(self, f"clean_{name}"):
                    self.cleaned_data[name] = getattr(self, f"clean_{name}")()
            except ValidationError as error:
                self.add_error(name, error)


class Form(InputGuardMixin, forms.Form):
    pass


class ModelForm(InputGuardMixin, forms.ModelForm):
    pass


@cache
def guarded(form_class):
    """The same form class with the input layer, for forms M-Pact does not define itself (the
    admin's generated forms, allauth's)."""
    if form_class is None or issubclass(form_class, InputGuardMixin):
        return form_class
    return type(
        form_class.__name__,
        (InputGuardMixin, form_class),
        {"__module__": form_class.__module__, "__doc__": form_class.__doc__},
    )
