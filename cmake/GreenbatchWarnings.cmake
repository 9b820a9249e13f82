# Warning flags shared by every greenbatch target (an INTERFACE target, linked PRIVATE).
add_library(greenbatch_warnings INTERFACE)
target_compile_options(greenbatch_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough
  # Designated initialisers that leave fields at their defaults are intended.
  -Wno-missing-field-initializers)
if(GREENBATCH_WERROR)
  target_compile_options(greenbatch_warnings INTERFACE -Werror)
endif()
