/** Expectations about the gateway's own audit trail, read where its manifest says (`capabilities.audit.url`). */
import { SouthExpectations } from "./south.js";

export class AuditExpectations extends SouthExpectations {}
