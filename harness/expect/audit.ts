/** Expectations about the gateway's own audit trail, read where its manifest says (`capabilities.audit.url`). */
import { LoadExpectations } from "./load.js";

export class AuditExpectations extends LoadExpectations {}
