/* placeholder, being written */
#include "ss-test-window.h"
int
main (int   argc,
      char *argv[])
{
  ss_test_window_init (&argc, &argv);
  return g_test_run ();
}
