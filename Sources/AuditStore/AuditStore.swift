import AuditModel
import CSQLite3Shim
import Crypto
import Foundation
import GRDB

enum LinkCheck { static func v() -> String { String(cString: csqlite3shim_libversion()) } }
