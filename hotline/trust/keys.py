"""Re-sealing identity with the current key after a key rotation."""
from __future__ import annotations

from sqlmodel import Session, select

from hotline import audit
from hotline.vault import Vault
from models.complainants import Complainant

FIELDS = (("name_enc", "name"), ("phone_enc", "phone"), ("id_number_enc", "id_number"))


def reseal_all(session: Session, box: Vault, batch: int = 500) -> int:
    """Open every sealed field with whichever key sealed it and seal it with the current key.

    Commits per batch; safe to interrupt and run again (already re-sealed rows are skipped).
    """
    done, last_id = 0, 0
    while True:
        rows = session.exec(select(Complainant).where(Complainant.id > last_id)
                            .order_by(Complainant.id).limit(batch)).all()
        if not rows:
            break
        for person in rows:
            last_id = person.id
            if not any(box.needs_reseal(getattr(person, column)) for column, _ in FIELDS):
                continue
            for column, field in FIELDS:
                setattr(person, column, box.seal(box.open(getattr(person, column), field=field), field=field))
            session.add(person)
            done += 1
        session.commit()
    audit.record(session, actor=None, action="identity.rotate", entity="complainant",
                 detail={"resealed": done, "key_id": box.current_id})
    session.commit()
    return done
