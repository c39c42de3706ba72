/** The journal's key for changes to existing exemptions, in place of a
 * recommendation's key (`desk_core::change::CHANGE_KEY`). */
export const CHANGE_KEY = "exemption-change";
