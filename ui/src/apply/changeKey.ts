/** The journal's key for changes to existing exemptions, in place of a
 * recommendation's key (`desk_core::change::CHANGE_KEY`). */
export const CHANGE_KEY = "exemption-change";

/** The journal's key for an import of a CSV (`desk_app::IMPORT_KEY`). */
export const IMPORT_KEY = "exemption-import";
