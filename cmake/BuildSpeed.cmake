# Unity builds: a target's sources compile in batches of a few files per translation unit, so the
# headers they share are parsed once per batch instead of once per file. A clean build on two
# cores takes about half the time; an edit recompiles its whole batch. Turn off with
# -DGREENBATCH_UNITY=OFF (e.g. to find a missing include or while editing one area).
option(GREENBATCH_UNITY "Compile large targets as unity builds (batches of files)" ON)
set(GREENBATCH_UNITY_BATCH_SIZE 8 CACHE STRING "Source files per unity translation unit")

# greenbatch_unity_build(TARGET): makes TARGET a batched unity build when GREENBATCH_UNITY is on.
function(greenbatch_unity_build target)
  if(GREENBATCH_UNITY)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${GREENBATCH_UNITY_BATCH_SIZE})
  endif()
endfunction()
