"""The certificate at the end of a trajectory (Mi na Mi's 'certificaatuitreiking'): one A4 page
as a PDF, made with reportlab, in Dutch or English. The participant downloads it through the
signed link, the coordinator prints it from the admin (matching/trajectories.py decides who
may and when)."""

from io import BytesIO

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas


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
    buffer = BytesIO()
    pdf = Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"{texts['title']}: {name}")
    pdf.setAuthor(organisation)
    width, height = A4
    middle = width / 2
    pdf.setLineWidth(2)
    pdf.rect(1.5 * cm, 1.5 * cm, width - 3 * cm, height - 3 * cm)
    y = height - 5 * cm
    pdf.setFont("Helvetica-Bold", 32)
    pdf.drawCentredString(middle, y, texts["title"])
    y -= 2 * cm
    pdf.setFont("Helvetica", 13)
    pdf.drawCentredString(middle, y, texts["intro"])
    y -= 1.4 * cm
    pdf.setFont("Helvetica-Bold", 24)
    pdf.drawCentredString(middle, y, name)
    y -= 1.4 * cm
    pdf.setFont("Helvetica", 13)
    for line in [*_lines(texts["period"], 70), texts["guided"]]:
        pdf.drawCentredString(middle, y, line)
        y -= 0.7 * cm
    if goals:
        y -= 0.8 * cm
        pdf.setFont("Helvetica-Bold", 13)
        pdf.drawString(3 * cm, y, texts["goals"])
        pdf.setFont("Helvetica", 12)
        for goal in goals:
            for number, line in enumerate(_lines(goal, 75)):
                y -= 0.6 * cm
                pdf.drawString(3.5 * cm, y, f"- {line}" if number == 0 else f"  {line}")
    y = 5 * cm
    pdf.setLineWidth(0.8)
    pdf.line(3 * cm, y, 9.5 * cm, y)
    pdf.line(width - 9.5 * cm, y, width - 3 * cm, y)
    pdf.setFont("Helvetica", 10)
    pdf.drawString(3 * cm, y - 0.5 * cm, texts["signature"])
    pdf.drawString(width - 9.5 * cm, y - 0.5 * cm, texts["place_date"])
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
