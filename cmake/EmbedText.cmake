# embed_text(OUT_VAR SYMBOL FILE): generates a .cpp that defines
# `std::string_view greenbatch::embedded::SYMBOL()` returning FILE's bytes, so that data files
# (the model table, the class names) ship inside the binary and no path has to be found at run time.
function(embed_text out_var symbol file)
  set(src ${CMAKE_CURRENT_SOURCE_DIR}/${file})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/embedded_${symbol}.cpp)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DIN=${src} -DOUT=${out} -DSYMBOL=${symbol}
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedTextRun.cmake
    DEPENDS ${src} ${PROJECT_SOURCE_DIR}/cmake/EmbedTextRun.cmake
    COMMENT "Embedding ${file}")
  set(${out_var} ${out} PARENT_SCOPE)
endfunction()
