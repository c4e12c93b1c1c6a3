# Compiles every model/*.c as the kernel would see it: freestanding, no system headers
# (so no libc), no builtins, general-purpose registers only (so no floating point), and only
# the port header's directory on the include path.  Any failure fails the test.
file(GLOB sources ${MODEL_DIR}/*.c)
list(LENGTH sources n)
if(n EQUAL 0)
  message(FATAL_ERROR "no model sources found in ${MODEL_DIR}")
endif()
set(failed 0)
foreach(src ${sources})
  execute_process(
    COMMAND ${CC} -std=gnu11 -ffreestanding -nostdinc -fno-builtin -mgeneral-regs-only
            -fno-common -Wall -Wextra -Werror -Wno-unused-parameter
            -I${MODEL_DIR}/port -c ${src} -o /dev/null
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message("FAIL ${src}\n${out}${err}")
    set(failed 1)
  else()
    message("ok   ${src}")
  endif()
endforeach()
if(failed)
  message(FATAL_ERROR "model/ is not kernel-safe")
endif()
