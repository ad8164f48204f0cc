/** The GP practice simulators: a GP Connect provider per practice, flavoured EMIS Web or TPP SystmOne. */

export { EMIS_WEB, flavourOf, type SupplierFlavour, TPP_SYSTMONE } from "./flavours.js";
export { buildPracticeApp, PRACTICE_BODY_LIMIT_BYTES, type PracticeAppOptions } from "./practice-app.js";
