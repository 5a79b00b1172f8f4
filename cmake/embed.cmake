# embed_text(TARGET_VAR SYMBOL FILE): generates a .cpp defining
#   extern const char* const SYMBOL; (the file's contents, NUL-terminated)
# and appends its path to TARGET_VAR.
function(embed_text out_var symbol file)
  set(generated ${CMAKE_BINARY_DIR}/embedded/${symbol}.cpp)
  add_custom_command(
    OUTPUT ${generated}
    COMMAND ${CMAKE_COMMAND} -DINPUT=${file} -DOUTPUT=${generated} -DSYMBOL=${symbol}
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_file.cmake
    DEPENDS ${file} ${CMAKE_SOURCE_DIR}/cmake/embed_file.cmake
    COMMENT "Embedding ${file}")
  set(${out_var} ${${out_var}} ${generated} PARENT_SCOPE)
endfunction()
