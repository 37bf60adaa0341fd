/* ui_files.h -- the web page's files, compiled into the binary.
 *
 * The table is generated at build time by scripts/embed-ui.sh from the
 * files under ui/ (mk/ui.mk); handlers/ui.c serves it. Entries are
 * read-only and live for the whole process.
 */
#ifndef SKIMD_UI_FILES_H
#define SKIMD_UI_FILES_H

typedef struct hdl_ui_file {
    const char *name;                /* base name, served as /ui/<name> */
    const char *type;                /* Content-Type */
    const char *etag;                /* quoted, from the file's checksum */
    const unsigned char *data;       /* the bytes (NUL-terminated copy) */
    unsigned long len;               /* length without the NUL */
} hdl_ui_file;

extern const hdl_ui_file hdl_ui_files[];
extern const unsigned long hdl_ui_n_files;

#endif
