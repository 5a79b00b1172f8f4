# Builds the CO-RE BPF objects and their bpftool-generated skeletons.
#
# vmlinux.h is generated at build time from the build host's BTF (/sys/kernel/btf/vmlinux)
# rather than committed: CO-RE relocations make the object portable to other kernels anyway,
# a generated file keeps a 3 MB machine-written header out of review, and the build host is
# always a BTF-enabled kernel (the agent cannot run without BTF either). Layout differences
# between kernels (e.g. kernfs_node.parent renamed __parent in 6.15) are handled with CO-RE
# "flavour" structs in bpf/*.bpf.h, not by the choice of header.
find_program(BPF_CLANG clang REQUIRED)
find_program(BPFTOOL bpftool PATHS /usr/sbin /sbin REQUIRED)
set(VMLINUX_BTF /sys/kernel/btf/vmlinux CACHE FILEPATH "BTF of the kernel to generate vmlinux.h from")
if(NOT EXISTS ${VMLINUX_BTF})
  message(FATAL_ERROR "${VMLINUX_BTF} not found: building vigil needs a kernel with BTF")
endif()

set(BPF_GEN_DIR ${CMAKE_BINARY_DIR}/bpf)
file(MAKE_DIRECTORY ${BPF_GEN_DIR})

if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64")
  set(BPF_TARGET_ARCH x86)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64")
  set(BPF_TARGET_ARCH arm64)
else()
  message(FATAL_ERROR "unsupported architecture for BPF: ${CMAKE_SYSTEM_PROCESSOR}")
endif()

# bpf_program(NAME SOURCE): NAME.bpf.o and NAME.skel.h in ${BPF_GEN_DIR}.
# Call from one directory only: custom command outputs are visible in their own directory.
function(bpf_program name source)
  if(NOT TARGET vmlinux_h)
    add_custom_command(
      OUTPUT ${BPF_GEN_DIR}/vmlinux.h
      COMMAND ${BPFTOOL} btf dump file ${VMLINUX_BTF} format c > ${BPF_GEN_DIR}/vmlinux.h
      COMMENT "Generating vmlinux.h from ${VMLINUX_BTF}")
    add_custom_target(vmlinux_h DEPENDS ${BPF_GEN_DIR}/vmlinux.h)
  endif()
  file(GLOB bpf_headers ${CMAKE_SOURCE_DIR}/bpf/*.h ${CMAKE_SOURCE_DIR}/bpf/shared/*.h)
  add_custom_command(
    OUTPUT ${BPF_GEN_DIR}/${name}.bpf.o
    COMMAND ${BPF_CLANG} -g -O2 -target bpf -D__TARGET_ARCH_${BPF_TARGET_ARCH}
            -Wall -Werror -Wno-unused-function
            -I${BPF_GEN_DIR} -I${CMAKE_SOURCE_DIR}/bpf
            -c ${source} -o ${BPF_GEN_DIR}/${name}.bpf.o
    DEPENDS ${source} ${bpf_headers} ${BPF_GEN_DIR}/vmlinux.h
    COMMENT "Compiling BPF program ${name}")
  add_custom_command(
    OUTPUT ${BPF_GEN_DIR}/${name}.skel.h
    COMMAND ${BPFTOOL} gen skeleton ${BPF_GEN_DIR}/${name}.bpf.o name ${name}_bpf > ${BPF_GEN_DIR}/${name}.skel.h
    DEPENDS ${BPF_GEN_DIR}/${name}.bpf.o
    COMMENT "Generating skeleton ${name}.skel.h")
  add_custom_target(${name}_skel DEPENDS ${BPF_GEN_DIR}/${name}.skel.h)
endfunction()
