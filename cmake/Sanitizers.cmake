# Sanitizer builds (-DGREENBATCH_SANITIZE=address,undefined or thread), each in its own build
# directory: every unit is instrumented, compiled at -O1 (quick to build, fast enough to run) with
# line tables for the reports and with assertions on. Any report fails the test that caused it.
# Only the torch-free unit tests are built there (tests/CMakeLists.txt); scripts/test.sh runs them.
# GCC's -Wmaybe-uninitialized gives false positives on instrumented code (GCC's manual says so);
# the Release build keeps checking it.
if(GREENBATCH_SANITIZE)
  add_compile_options(-fsanitize=${GREENBATCH_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer
                      -O1 -g1 -UNDEBUG -Wno-maybe-uninitialized)
  add_link_options(-fsanitize=${GREENBATCH_SANITIZE})
endif()
