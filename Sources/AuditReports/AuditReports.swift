import AuditModel
import CLibXML2
import Foundation
import Mustache
