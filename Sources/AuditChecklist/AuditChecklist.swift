import AuditModel
import CLibXML2
import CLibXML2Shim
import Foundation

enum LinkCheck { static func xml() { clibxml2shim_init() } }
