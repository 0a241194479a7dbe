// AuditEngine: filled in by its issue.
import AuditModel
