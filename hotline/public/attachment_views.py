"""Staff: the evidence files of a complaint, on its page; every opening is in the audit trail."""
from __future__ import annotations

from flask import Blueprint, Response, abort
from flask_login import current_user

from hotline import access, scope
from hotline.db import get_session
from hotline.public import files as evidence, service, spam
from hotline.telephony import media
from models.attachments import SPAM_STATES, Attachment
from models.complaints import Complaint
from models.users import Role

bp = Blueprint("attachments", __name__)

# Who reads a complaint reads its evidence (within scope.may_see_complaint).
VIEW_ROLES = (Role.operator, Role.inspector, Role.supervisor, Role.custodian)


def attachments_for(complaint_id: int) -> list[Attachment]:
    return service.attachments_of(get_session(), complaint_id)


def unsaved_mms_media(complaint_id: int) -> list:
    """MMS pictures of the complaint not (yet) stored, with their state and Chinese reason."""
    return [row for row in media.media_of(get_session(), complaint_id) if row.status != media.STORED]


def spam_mark_for(complaint_id: int):
    return spam.mark_of(get_session(), complaint_id)


TEMPLATE_GLOBALS = {"public_attachments": attachments_for, "attachment_kind_labels": evidence.KIND_LABELS,
                    "public_unsaved_media": unsaved_mms_media, "public_spam_mark": spam_mark_for,
                    "mms_status_labels": media.STATUS_LABELS, "spam_state_labels": SPAM_STATES}


@bp.route("/attachments/<int:attachment_id>")
@access.roles(*VIEW_ROLES)
def download(attachment_id: int):
    """One file, as sent (photos without location unless the reporter kept it)."""
    db = get_session()
    attachment = db.get(Attachment, attachment_id)
    if attachment is None:
        abort(404)
    complaint = db.get(Complaint, attachment.complaint_id)
    scope.require(complaint is not None and scope.may_see_complaint(db, current_user, complaint))
    if not attachment.sealed:  # the retention purge removed the bytes; only the metadata is left
        return Response("该材料已超过保存期限，文件内容已按规定清除（保留类型、大小和哈希值）。", status=410,
                        mimetype="text/plain")
    data = service.open_attachment(db, attachment, user=current_user)
    db.commit()
    inline = attachment.kind in ("jpeg", "png", "pdf")
    disposition = "inline" if inline else "attachment"
    return Response(data, mimetype=evidence.MIME[attachment.kind],
                    headers={"Content-Disposition": f"{disposition}; filename=attachment-{attachment.id}."
                                                    f"{'jpg' if attachment.kind == 'jpeg' else attachment.kind}",
                             "Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox"})
