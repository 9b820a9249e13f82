# Warning flags shared by every greenbatch target (an INTERFACE target, linked PRIVATE).
add_library(greenbatch_warnings INTERFACE)
target_compile_options(greenbatch_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough
  # Designated initialisers that leave fields at their defaults are intended.
  -Wno-missing-field-initializers
  # GCC 12 reports std::string copies inlined at -O3 as overlapping or out of bounds (its bugs
  # 105329 and 105651): false positives inside libstdc++, not in greenbatch's code.
  -Wno-restrict -Wno-array-bounds -Wno-stringop-overflow -Wno-stringop-overread)
if(GREENBATCH_WERROR)
  target_compile_options(greenbatch_warnings INTERFACE -Werror)
endif()
