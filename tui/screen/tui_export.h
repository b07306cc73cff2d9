/* The export key (tui/screen/tui_export.c). */
#ifndef ISOLAB_TUI_EXPORT_H
#define ISOLAB_TUI_EXPORT_H

#include "tui.h"

#define TUI_EXPORT_KEY 'x'

/* Asks for the format (docker, oci, k8s), writes the current configuration
 * under the state dir ($XDG_STATE_HOME/isolab/export/), shows the paths and
 * the fidelity report until a key, and leaves the paths on the status line. */
void tui_export_dialog(struct tui *t);

/* A line for the status line when the TUI opens (isolab --from FILE: what
 * was imported; "" = none) and the import's report (what isolab cannot
 * model), shown in a box over the first frame until a key. */
void tui_set_start_note(const char *note, const char *report);
const char *tui_start_note(void);
/* Shows the pending report once (nothing if none). */
void tui_start_report(struct tui *t);

#endif
