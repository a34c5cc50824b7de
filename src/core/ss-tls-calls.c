/* ss-tls-calls.c — the steps a socket takes to speak TLS, as calls: Python's ssl and GnuTLS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each step is one row of the call log, written as a person would type
 * it with Python's ssl module (the seed's style: ctx, then wrap_socket(),
 * then do_handshake() and version()), and as the GnuTLS calls Sockscope
 * made for it. The Python runs: an exported session speaks TLS to the
 * same peer with the same settings.
 *
 * The handshake is its own step (do_handshake_on_connect=False), as it is
 * in Sockscope: wrap_socket() is gnutls_init(), do_handshake() is
 * gnutls_handshake(), and a handshake that fails fails on its own row.
 */
#define G_LOG_DOMAIN "sockscope-core"

#include "config.h"

#include <errno.h>
#include <string.h>

#include "ss-escape.h"
#include "ss-tls-calls.h"
#include "ss-tls-session-private.h"

/* the file an exported script writes the session's generated
 * certificate and key to, for load_cert_chain() */
#define GENERATED_PEM "sockscope-session.pem"

/* 'text' as a Python str literal; UTF-8 stays as it is */
static char *
python_str (const char *text)
{
  GString *out = g_string_new ("'");

  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = *p;

      if (c == '\'' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '\'');
  return g_string_free (out, FALSE);
}

/* "text" as a C string literal */
static char *
c_str (const char *text)
{
  return ss_escape_literal ((const guint8 *) text, strlen (text), 0, FALSE);
}

static void
record_versions (SsCallLog   *calls,
                 int          fd,
                 const char  *ctx_name,
                 SsTlsConfig *config)
{
  g_autofree char *priorities = NULL;
  g_autofree char *c_priorities = NULL;
  g_autofree char *args = NULL;
  g_autoptr(GString) python = NULL;
  int min, max;

  ss_tls_config_get_versions (config, &min, &max);
  if (min == 0 && max == 0)
    return;
  priorities = ss_tls_config_dup_priorities (config);
  c_priorities = c_str (priorities);
  args = g_strdup_printf ("session, %s, NULL", c_priorities);
  python = g_string_new (NULL);
  if (min != 0)
    g_string_append_printf (python, "%s.minimum_version = ssl.TLSVersion.TLSv1_%d", ctx_name, min - 10);
  if (max != 0)
    g_string_append_printf (python, "%s%s.maximum_version = ssl.TLSVersion.TLSv1_%d",
                            min != 0 ? "; " : "", ctx_name, max - 10);
  ss_call_log_record (calls, fd, "gnutls_priority_set_direct", args, python->str, 0, 0);
}

static void
record_alpn (SsCallLog   *calls,
             int          fd,
             const char  *ctx_name,
             SsTlsConfig *config)
{
  const char *alpn = ss_tls_config_get_alpn (config);
  g_auto(GStrv) protocols = NULL;
  g_autoptr(GString) python = NULL;
  g_autoptr(GString) args = NULL;
  guint n;

  if (alpn == NULL)
    return;
  protocols = g_strsplit (alpn, ",", -1);
  n = g_strv_length (protocols);
  python = g_string_new (NULL);
  args = g_string_new ("session, {");
  g_string_append_printf (python, "%s.set_alpn_protocols([", ctx_name);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *py = python_str (g_strstrip (protocols[i]));
      g_autofree char *c = c_str (protocols[i]);

      g_string_append_printf (python, "%s%s", i > 0 ? ", " : "", py);
      g_string_append_printf (args, "%s%s", i > 0 ? ", " : "", c);
    }
  g_string_append (python, "])");
  g_string_append_printf (args, "}, %u, 0", n);
  ss_call_log_record (calls, fd, "gnutls_alpn_set_protocols", args->str, python->str, 0, 0);
}

/* a client's trust: the system's CAs or a CA file, and --insecure */
static void
record_client_trust (SsCallLog   *calls,
                     int          fd,
                     const char  *ctx_name,
                     SsTlsConfig *config)
{
  const char *cafile = ss_tls_config_get_cafile (config);
  int count = ss_tls_config_get_trust_count (config);

  if (cafile != NULL)
    {
      g_autofree char *py = python_str (cafile);
      g_autofree char *c = c_str (cafile);
      g_autofree char *args = g_strdup_printf ("cred, %s, GNUTLS_X509_FMT_PEM", c);
      g_autofree char *python = g_strdup_printf ("%s = ssl.create_default_context(cafile=%s)", ctx_name, py);

      ss_call_log_record (calls, fd, "gnutls_certificate_set_x509_trust_file", args, python, count, 0);
    }
  else
    {
      g_autofree char *python = g_strdup_printf ("%s = ssl.create_default_context()", ctx_name);

      ss_call_log_record (calls, fd, "gnutls_certificate_set_x509_system_trust", "cred", python, count, 0);
    }

  if (ss_tls_config_get_insecure (config))
    {
      g_autofree char *python = g_strdup_printf ("%s.check_hostname = False; %s.verify_mode = ssl.CERT_NONE",
                                                 ctx_name, ctx_name);
      SsCall *call = ss_call_log_record (calls, fd, "gnutls_certificate_verify_peers3", "", python, 0, 0);

      /* GnuTLS verifies nothing unless asked: Sockscope asks after the
       * handshake, shows the result, and with --insecure goes on anyway */
      ss_call_set_c (call, "/* --insecure: gnutls_certificate_verify_peers3() after the handshake is shown, not enforced */");
    }
}

/* the certificate a server shows or a client presents */
static void
record_certificate (SsCallLog   *calls,
                    int          fd,
                    const char  *ctx_name,
                    SsTlsConfig *config,
                    gboolean     server)
{
  const char *cert = ss_tls_config_get_cert_file (config);
  const char *key = ss_tls_config_get_key_file (config);
  SsTlsCertificate *generated;

  if (cert != NULL)
    {
      g_autofree char *py_cert = python_str (cert);
      g_autofree char *py_key = key != NULL ? python_str (key) : NULL;
      g_autofree char *c_cert = c_str (cert);
      g_autofree char *c_key = c_str (key != NULL ? key : cert);
      g_autofree char *args = g_strdup_printf ("cred, %s, %s, GNUTLS_X509_FMT_PEM, NULL, 0", c_cert, c_key);
      g_autofree char *python = NULL;

      if (py_key != NULL)
        python = g_strdup_printf ("%s.load_cert_chain(%s, %s)", ctx_name, py_cert, py_key);
      else
        python = g_strdup_printf ("%s.load_cert_chain(%s)", ctx_name, py_cert);
      ss_call_log_record (calls, fd, "gnutls_certificate_set_x509_key_file2", args, python, 0, 0);
      return;
    }

  generated = server ? ss_tls_config_get_server_certificate (config) : NULL;
  if (generated != NULL)
    {
      g_autofree char *pem = ss_tls_certificate_dup_pem_with_key (generated);
      g_autoptr(GBytes) payload = NULL;
      g_autofree char *python = NULL;
      SsCall *call;

      if (pem == NULL)
        return;
      /* Python reads a certificate only from a file: the script writes
       * the one Sockscope made for the session, key and all */
      payload = g_bytes_new_take (pem, strlen (pem));
      pem = NULL;
      call = ss_call_log_record_payload (calls, fd, "gnutls_x509_crt_export2", "crt, GNUTLS_X509_FMT_PEM, &pem",
                                         "open('" GENERATED_PEM "', 'wb').write(" SS_CALL_PAYLOAD ")",
                                         payload, 0, 0);
      ss_call_set_c (call, "gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &pem) = 0; "
                           "gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &pem) = 0  "
                           "/* the certificate made for the session, and its key */");
      python = g_strdup_printf ("%s.load_cert_chain('" GENERATED_PEM "')", ctx_name);
      ss_call_log_record (calls, fd, "gnutls_certificate_set_x509_key", "cred, &crt, 1, key", python, 0, 0);
    }
}

/**
 * ss_tls_calls_record_context:
 * @fd: the socket whose settings these are (a listener's, for its
 *   connections)
 * @ctx_name: the context's name in Python
 *
 * Records what a session is made with, as an ssl.SSLContext and its
 * settings: trust and verification, certificate, versions, ALPN.
 */
void
ss_tls_calls_record_context (SsCallLog   *calls,
                             int          fd,
                             const char  *ctx_name,
                             SsTlsConfig *config,
                             gboolean     server)
{
  g_return_if_fail (SS_IS_CALL_LOG (calls));
  g_return_if_fail (config != NULL);

  if (server)
    {
      g_autofree char *python = g_strdup_printf ("%s = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)", ctx_name);

      ss_call_log_record (calls, fd, "gnutls_certificate_allocate_credentials", "&cred", python, 0, 0);
    }
  else
    record_client_trust (calls, fd, ctx_name, config);
  record_certificate (calls, fd, ctx_name, config, server);
  if (server && ss_tls_config_get_request_client_cert (config))
    {
      g_autofree char *python = g_strdup_printf ("%s.verify_mode = ssl.CERT_OPTIONAL", ctx_name);

      ss_call_log_record (calls, fd, "gnutls_certificate_server_set_request", "session, GNUTLS_CERT_REQUEST",
                          python, 0, 0);
    }
  record_versions (calls, fd, ctx_name, config);
  record_alpn (calls, fd, ctx_name, config);
}

/**
 * ss_tls_calls_record_wrap:
 * @plain_name: the socket's name in Python before TLS ("sk3", "conn5")
 * @tls_name: its name once wrapped ("ssk3", "sconn5")
 * @tls: the session just made on @fd
 *
 * Records wrap_socket(): a client names the server it expects
 * (server_hostname, for SNI and the certificate's name check).
 */
void
ss_tls_calls_record_wrap (SsCallLog    *calls,
                          int           fd,
                          const char   *ctx_name,
                          const char   *plain_name,
                          const char   *tls_name,
                          SsTlsSession *tls)
{
  g_autoptr(GString) c = g_string_new (NULL);
  g_autofree char *python = NULL;
  SsCall *call;

  g_return_if_fail (SS_IS_CALL_LOG (calls));
  g_return_if_fail (SS_IS_TLS_SESSION (tls));

  if (tls->server)
    {
      g_string_append (c, "gnutls_init(&session, GNUTLS_SERVER|GNUTLS_NONBLOCK) = 0; ");
      python = g_strdup_printf ("%s = %s.wrap_socket(%s, server_side=True, do_handshake_on_connect=False)",
                                tls_name, ctx_name, plain_name);
    }
  else
    {
      const char *servername = ss_tls_config_get_servername (tls->config);

      g_string_append (c, "gnutls_init(&session, GNUTLS_CLIENT|GNUTLS_NONBLOCK) = 0; ");
      /* SNI as ss_tls_session_new() set it: the host unless given; never
       * an IP address (RFC 6066) */
      if (servername == NULL)
        servername = tls->host;
      if (servername != NULL && *servername != '\0' && !g_hostname_is_ip_address (servername))
        {
          g_autofree char *c_name = c_str (servername);

          g_string_append_printf (c, "gnutls_server_name_set(session, GNUTLS_NAME_DNS, %s, %" G_GSIZE_FORMAT ") = 0; ",
                                  c_name, strlen (servername));
        }
      if (tls->check_name != NULL)
        {
          g_autofree char *py_name = python_str (tls->check_name);

          python = g_strdup_printf ("%s = %s.wrap_socket(%s, server_hostname=%s, do_handshake_on_connect=False)",
                                    tls_name, ctx_name, plain_name, py_name);
        }
      else
        /* no name to check: Python wants check_hostname off for that */
        python = g_strdup_printf ("%s.check_hostname = False; "
                                  "%s = %s.wrap_socket(%s, do_handshake_on_connect=False)",
                                  ctx_name, tls_name, ctx_name, plain_name);
    }
  g_string_append_printf (c, "gnutls_transport_set_int(session, %d)", fd);
  call = ss_call_log_record (calls, fd, "gnutls_init", "", python, 0, 0);
  ss_call_set_c (call, c->str);
}

/* "TLS1.3" → 'TLSv1.3', as Python's version() says it */
static char *
python_version (const char *name)
{
  if (g_str_has_prefix (name, "TLS"))
    return g_strdup_printf ("'TLSv%s'", name + 3);
  return g_strdup_printf ("'%s'", name);
}

static void
record_facts (SsCallLog    *calls,
              int           fd,
              const char   *tls_name,
              SsTlsSession *tls)
{
  gnutls_protocol_t protocol = gnutls_protocol_get_version (tls->session);
  const char *version = ss_tls_session_get_version (tls);
  const char *cipher = ss_tls_session_get_cipher (tls);
  g_autofree char *py_version = python_version (version);
  g_autofree char *c_version = g_strdup_printf ("GNUTLS_%s", version);
  g_autofree char *python = NULL;
  g_autofree char *c = NULL;
  g_autofree char *text = NULL;
  SsCall *call;
  guint bits;

  g_strdelimit (c_version, ".", '_');
  python = g_strdup_printf ("%s.version()", tls_name);
  c = g_strdup_printf ("gnutls_protocol_get_version(session) = %s", c_version);
  call = ss_call_log_record (calls, fd, "gnutls_protocol_get_version", "session", python, protocol, 0);
  ss_call_set_c (call, c);
  ss_call_set_result_text (call, py_version);
  g_clear_pointer (&python, g_free);
  g_clear_pointer (&c, g_free);

  bits = gnutls_cipher_get_key_size (gnutls_cipher_get (tls->session)) * 8;
  python = g_strdup_printf ("%s.cipher()", tls_name);
  c = g_strdup_printf ("gnutls_ciphersuite_get(session) = \"%s\"", cipher);
  text = g_strdup_printf ("('%s', %s, %u)", cipher, py_version, bits);
  call = ss_call_log_record (calls, fd, "gnutls_ciphersuite_get", "session", python, 0, 0);
  ss_call_set_c (call, c);
  ss_call_set_result_text (call, text);

  if (ss_tls_config_get_alpn (ss_tls_session_get_config (tls)) != NULL)
    {
      g_autofree char *alpn = ss_tls_session_dup_alpn (tls);
      g_autofree char *py_alpn = alpn != NULL ? python_str (alpn) : g_strdup ("None");
      g_autofree char *c_alpn = alpn != NULL ? c_str (alpn) : NULL;

      g_clear_pointer (&python, g_free);
      g_clear_pointer (&c, g_free);
      python = g_strdup_printf ("%s.selected_alpn_protocol()", tls_name);
      if (alpn != NULL)
        c = g_strdup_printf ("gnutls_alpn_get_selected_protocol(session, &protocol) = 0  /* %s */", c_alpn);
      else
        c = g_strdup ("gnutls_alpn_get_selected_protocol(session, &protocol) = GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE");
      call = ss_call_log_record (calls, fd, "gnutls_alpn_get_selected_protocol", "session, &protocol", python, 0, 0);
      ss_call_set_c (call, c);
      ss_call_set_result_text (call, py_alpn);
    }
}

/**
 * ss_tls_calls_record_handshake:
 * @errsv: the errno the connection ends with when the handshake failed
 *
 * Records do_handshake() once it is over, with the peer's verification
 * (Python checks the certificate inside the handshake; Sockscope right
 * after it), then what the session got: version(), cipher() and, when
 * it was offered, selected_alpn_protocol().
 */
void
ss_tls_calls_record_handshake (SsCallLog    *calls,
                               int           fd,
                               const char   *tls_name,
                               SsTlsSession *tls,
                               int           errsv)
{
  g_autofree char *python = NULL;
  g_autoptr(GString) c = NULL;
  SsTlsState state;
  SsCall *call;
  gboolean untrusted;

  g_return_if_fail (SS_IS_CALL_LOG (calls));
  g_return_if_fail (SS_IS_TLS_SESSION (tls));

  state = ss_tls_session_get_state (tls);
  python = g_strdup_printf ("%s.do_handshake()", tls_name);
  if (state == SS_TLS_STATE_FAILED || state == SS_TLS_STATE_HANDSHAKING)
    {
      ss_call_log_record (calls, fd, "gnutls_handshake", "session", python, -1, errsv != 0 ? errsv : EPROTO);
      return;
    }

  untrusted = state == SS_TLS_STATE_UNTRUSTED;
  c = g_string_new ("gnutls_handshake(session) = 0");
  if (!tls->server || (tls->peer_chain != NULL && tls->peer_chain->len > 0))
    {
      g_autofree char *name = tls->server || tls->check_name == NULL ? g_strdup ("NULL") : c_str (tls->check_name);

      g_string_append_printf (c, "; gnutls_certificate_verify_peers3(session, %s, &status) = 0  /* %s%s */", name,
                              tls->verification != NULL ? tls->verification : "valid",
                              tls->verification == NULL || untrusted ? ""
                              : ss_tls_config_get_insecure (tls->config) ? "; --insecure goes on"
                              : "; the session goes on");
    }
  /* a certificate that fails verification fails Python's handshake; here
   * the session waits for Connect Anyway */
  call = ss_call_log_record (calls, fd, "gnutls_handshake", "session", python, untrusted ? -1 : 0,
                             untrusted ? EPROTO : 0);
  ss_call_set_c (call, c->str);
  if (untrusted)
    {
      g_autofree char *text = g_strdup_printf ("ssl.SSLCertVerificationError: certificate verify failed: %s",
                                               tls->verification);

      ss_call_set_result_text (call, text);
      return;
    }
  record_facts (calls, fd, tls_name, tls);
}

/**
 * ss_tls_calls_translate:
 * @name: a socket call: send, sendall or recv
 * @args: its arguments in C, the descriptor first
 * @tls_args: (out): the arguments GnuTLS takes instead
 *
 * On a socket that speaks TLS the bytes go through GnuTLS: sendall(3, …)
 * is gnutls_record_send(session, …), recv(3, buf, 65536, 0) is
 * gnutls_record_recv(session, buf, 65536). Python's names stay.
 *
 * Returns: (nullable): GnuTLS's name for the call, or %NULL when @name
 *   is not one it makes
 */
const char *
ss_tls_calls_translate (const char  *name,
                        const char  *args,
                        char       **tls_args)
{
  const char *rest = strstr (args, ", ");
  gboolean recv = g_str_equal (name, "recv");

  if (rest == NULL || !(recv || g_str_equal (name, "send") || g_str_equal (name, "sendall")))
    return NULL;
  *tls_args = g_strconcat ("session", rest, NULL);
  /* recv()'s flags: gnutls_record_recv() has none */
  if (recv && g_str_has_suffix (*tls_args, ", 0"))
    (*tls_args)[strlen (*tls_args) - 3] = '\0';
  return recv ? "gnutls_record_recv" : "gnutls_record_send";
}

/* Whether the session's close_notify went (gnutls_bye()) */
gboolean
ss_tls_calls_get_bye_sent (SsTlsSession *tls)
{
  g_return_val_if_fail (SS_IS_TLS_SESSION (tls), FALSE);
  return tls->bye_sent;
}

/**
 * ss_tls_calls_add_bye:
 * @call: a close() or shutdown() just recorded
 *
 * Before a TLS socket's close() or shutdown(SHUT_WR) went its
 * close_notify, so the peer tells the end from a truncation: the call's
 * C says gnutls_bye() first. (Python's close() sends none; its
 * unwrap() would wait for the peer's, so the Python stays as it is.)
 */
void
ss_tls_calls_add_bye (SsCall *call)
{
  g_autofree char *c = ss_call_to_c (call);
  g_autofree char *with_bye = g_strdup_printf ("gnutls_bye(session, GNUTLS_SHUT_WR) = 0; %s", c);

  g_return_if_fail (SS_IS_CALL (call));
  ss_call_set_c (call, with_bye);
}
