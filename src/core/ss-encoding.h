/* ss-encoding.h — what a person types in the send box, as the bytes it means
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The order is the send box's dropdown order. */
typedef enum
{
  SS_ENCODING_TEXT,      /* UTF-8, byte for byte */
  SS_ENCODING_ESCAPED,   /* text with \r \n \t \0 \\ \xNN \u{…} */
  SS_ENCODING_HEX,       /* 48 65 6c, 48:65, 0x48,0x65, 48656c */
  SS_ENCODING_BASE64,
  SS_ENCODING_FILE,      /* the text is a path; read by the sender */
  SS_N_ENCODINGS
} SsEncoding;

typedef enum
{
  SS_LINE_ENDING_NONE,
  SS_LINE_ENDING_LF,
  SS_LINE_ENDING_CR,
  SS_LINE_ENDING_CRLF,
  SS_N_LINE_ENDINGS
} SsLineEnding;

#define SS_ENCODING_ERROR (ss_encoding_error_quark ())

typedef enum
{
  SS_ENCODING_ERROR_ESCAPE,       /* unknown or cut-off escape */
  SS_ENCODING_ERROR_CODE_POINT,   /* \u{…} out of range or a surrogate */
  SS_ENCODING_ERROR_HEX_DIGIT,    /* not a hex digit */
  SS_ENCODING_ERROR_ODD_DIGITS,   /* a byte with one digit */
  SS_ENCODING_ERROR_BASE64,       /* not base64, or bad padding */
  SS_ENCODING_ERROR_UNSUPPORTED,  /* e.g. decoding SS_ENCODING_FILE */
} SsEncodingError;

GQuark       ss_encoding_error_quark      (void);

const char  *ss_encoding_to_string        (SsEncoding     encoding);
gboolean     ss_encoding_from_string      (const char    *name,
                                           SsEncoding    *encoding);
const char  *ss_line_ending_to_string     (SsLineEnding   ending);
gboolean     ss_line_ending_from_string   (const char    *name,
                                           SsLineEnding  *ending);
const char  *ss_line_ending_get_bytes     (SsLineEnding   ending);

GBytes      *ss_encoding_decode           (SsEncoding     encoding,
                                           const char    *text,
                                           gssize         len,
                                           gsize         *error_start,
                                           gsize         *error_end,
                                           GError       **error);
char        *ss_encoding_encode           (SsEncoding     encoding,
                                           const guint8  *data,
                                           gsize          len);

G_END_DECLS
