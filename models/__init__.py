"""SQLModel tables, one module per aggregate. Importing this package registers every table."""
from models.attachments import Attachment, PublicAccessKey, PublicThrottle
from models.audit import AuditEntry
from models.calendar import CalendarDay
from models.bulletins import Bulletin, BulletinFile, BulletinStatus
from models.cases import (Case, CaseDeadline, CaseEvent, CaseExtension, CaseFeedback, CaseMeasure, CaseNotice,
                          CaseReminder, CaseStatus, ConflictDeclaration, ReturnVisit, SupervisionOrder,
                          SupervisionReport)
from models.clues import Clue, ClueCounter, ClueNotice, ClueObjection
from models.complainants import Complainant
from models.complaints import AccusedPerson, Complaint, ComplaintStatus, IntakeJob, TriageState
from models.contacts import Contact
from models.divisions import DivisionChange, Township, Village
from models.jobruns import JobRun
from models.findings import CrosscheckRun, Finding, FindingComplaint, FindingStatus
from models.offices import Office, OfficeJurisdiction, OfficeKind
from models.outcomes import Clearance, EducationVisit, ToleranceApplication, ToleranceCondition
from models.open311 import Open311Client, Open311Request
from models.telephony import OutboxMessage, PhoneCall, Recording, SmsMessage, SmsOptOut
from models.rolls import (RollBusiness, RollCadre, RollDeath, RollHouseholdMember, RollImport, RollPayroll,
                          RollProperty, RollRecipient, RollVehicle)
from models.retention import LegalHold, RetentionTombstone
from models.routing import RoutingRule
from models.triage import LabelCorrection
from models.users import ApiToken, Role, User

__all__ = [
    "AccusedPerson", "ApiToken", "AuditEntry", "Bulletin", "BulletinFile", "BulletinStatus",
    "CalendarDay", "Case", "CaseDeadline", "CaseEvent",
    "CaseExtension", "CaseFeedback", "CaseMeasure", "CaseNotice", "CaseReminder", "CaseStatus",
    "ConflictDeclaration", "ReturnVisit", "RoutingRule", "SupervisionOrder", "SupervisionReport", "Complainant",
    "Complaint", "ComplaintStatus", "IntakeJob", "Contact", "Office", "OfficeJurisdiction", "OfficeKind", "Role",
    "Township", "TriageState", "User", "Village", "DivisionChange",
    "OutboxMessage", "PhoneCall", "Recording", "SmsMessage", "SmsOptOut",
    "CrosscheckRun", "Finding", "FindingComplaint", "FindingStatus", "RollBusiness", "RollCadre",
    "RollDeath", "RollHouseholdMember", "RollImport", "RollPayroll", "RollProperty", "RollRecipient",
    "RollVehicle", "JobRun", "LabelCorrection", "LegalHold", "RetentionTombstone",
    "Open311Client", "Open311Request",
    "Clearance", "EducationVisit", "ToleranceApplication", "ToleranceCondition",
    "Clue", "ClueCounter", "ClueNotice", "ClueObjection",
    "Attachment", "PublicAccessKey", "PublicThrottle",
]
