"""SQLModel tables, one module per aggregate. Importing this package registers every table."""
from models.audit import AuditEntry
from models.cases import Case, CaseEvent, CaseStatus
from models.complainants import Complainant
from models.complaints import AccusedPerson, Complaint, ComplaintStatus, TriageState
from models.contacts import Contact
from models.divisions import Township, Village
from models.offices import Office, OfficeJurisdiction, OfficeKind
from models.users import ApiToken, Role, User

__all__ = [
    "AccusedPerson", "ApiToken", "AuditEntry", "Case", "CaseEvent", "CaseStatus", "Complainant",
    "Complaint", "ComplaintStatus", "Contact", "Office", "OfficeJurisdiction", "OfficeKind", "Role",
    "Township", "TriageState", "User", "Village",
]
