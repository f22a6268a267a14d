"""The certificate at the end of a trajectory (Mi na Mi's 'certificaatuitreiking'): one A4 page
as a PDF, made with reportlab, in Dutch or English. The participant downloads it through the
signed link, the coordinator prints it from the admin (matching/trajectories.py decides who
may and when).

Names and goals come in every script the site's people write: the text is set in DejaVu Sans
(matching/fonts/, with its license), embedded in the PDF, not in the PDF's built-in Helvetica,
which has no Cyrillic or Arabic letters. reportlab draws characters one after the other, left
to right, so Arabic-script text is first shaped (each letter in its joined form) and put in the
order it is seen (right to left) by arabic-reshaper and python-bidi; other text is drawn as it
is."""

import functools
import re
from io import BytesIO
from pathlib import Path

import arabic_reshaper
from bidi import get_display
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
# Arabic, Arabic Supplement, Arabic Extended-A, and the presentation forms.
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


@functools.cache
def _register_fonts() -> None:
    """Register the certificate's fonts with reportlab, once per process."""
    for name in (REGULAR, BOLD):
        pdfmetrics.registerFont(TTFont(name, str(FONTS / f"{name}.ttf")))


def _shown(text: str) -> str:
    """`text` as reportlab must draw it: Arabic-script text shaped and in visual order (a line
    that mixes scripts keeps its Latin words readable), anything else unchanged."""
    if not ARABIC_SCRIPT.search(text):
        return text
    return get_display(arabic_reshaper.reshape(text))


def _date(day) -> str:
    return formats.date_format(day, "j F Y")


def _lines(text: str, width: int = 80) -> list[str]:
    """Wrap `text` at word boundaries to lines of at most `width` characters."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def certificate_render(trajectory, language: str) -> bytes:
    from matching.trajectories import organisation_name

    participant = trajectory.participant
    name = f"{participant.first_name} {participant.last_name}".strip()
    end = timezone.localdate(trajectory.completed_at) if trajectory.completed_at else None
    end = end or trajectory.ends_on
    organisation = organisation_name()
    with translation.override(language):
        kind = trajectory.get_kind_display().lower()
        goals = [goal.label for goal in trajectory.goals.select_related("goal")]
        texts = {
            "title": _("Certificate"),
            "intro": _("%(organisation)s hereby declares that") % {"organisation": organisation},
            "period": _("took part in a %(kind)s from %(start)s to %(end)s,")
            % {"kind": kind, "start": _date(trajectory.starts_on), "end": _date(end)},
            "guided": _("guided by %(guide)s.") % {"guide": trajectory.guide_name},
            "goals": _("Goals worked on:"),
            "signature": _("Signature on behalf of %(organisation)s")
            % {"organisation": organisation},
            "place_date": _("Place and date"),
        }
    _register_fonts()
    buffer = BytesIO()
    pdf = Canvas(buffer, pagesize=A4, initialFontName=REGULAR)  # no Helvetica at all
    pdf.setTitle(f"{texts['title']}: {name}")
    pdf.setAuthor(organisation)
    width, height = A4
    middle = width / 2
    pdf.setLineWidth(2)
    pdf.rect(1.5 * cm, 1.5 * cm, width - 3 * cm, height - 3 * cm)
    y = height - 5 * cm
    pdf.setFont(BOLD, 32)
    pdf.drawCentredString(middle, y, _shown(texts["title"]))
    y -= 2 * cm
    pdf.setFont(REGULAR, 13)
    pdf.drawCentredString(middle, y, _shown(texts["intro"]))
    y -= 1.4 * cm
    pdf.setFont(BOLD, 24)
    pdf.drawCentredString(middle, y, _shown(name))
    y -= 1.4 * cm
    pdf.setFont(REGULAR, 13)
    for line in [*_lines(texts["period"], 70), texts["guided"]]:
        pdf.drawCentredString(middle, y, _shown(line))
        y -= 0.7 * cm
    if goals:
        y -= 0.8 * cm
        pdf.setFont(BOLD, 13)
        pdf.drawString(3 * cm, y, _shown(texts["goals"]))
        pdf.setFont(REGULAR, 12)
        for goal in goals:
            for number, line in enumerate(_lines(goal, 75)):
                y -= 0.6 * cm
                line = _shown(line)
                pdf.drawString(3.5 * cm, y, f"- {line}" if number == 0 else f"  {line}")
    y = 5 * cm
    pdf.setLineWidth(0.8)
    pdf.line(3 * cm, y, 9.5 * cm, y)
    pdf.line(width - 9.5 * cm, y, width - 3 * cm, y)
    pdf.setFont(REGULAR, 10)
    pdf.drawString(3 * cm, y - 0.5 * cm, _shown(texts["signature"]))
    pdf.drawString(width - 9.5 * cm, y - 0.5 * cm, _shown(texts["place_date"]))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
