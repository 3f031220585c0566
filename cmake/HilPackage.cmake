# What `cmake --install` puts where, and the Debian package `cpack -G DEB`
# builds from it (tests/package/check-deb.sh inspects it).
#   bin/sfi-harness                       the harness
#   share/man/man1/sfi-harness.1          the man page
#   share/sfi-harness/scenarios/          the scenario library
#   share/sfi-harness/fixtures/boards/    simulated board profiles
#   share/sfi-harness/fixtures/racks/     the simulated rack (the default rack)
#   share/sfi-harness/fixtures/images/    the test images the scenarios use
#   share/sfi-harness/fixtures/keys/      their public test key
#   lib/udev/rules.d/70-sfi-harness.rules probe, relay and console access
#   share/doc/sfi-harness/                README and docs/
install(TARGETS sfi-harness RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES docs/sfi-harness.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(DIRECTORY scenarios/ DESTINATION ${CMAKE_INSTALL_DATADIR}/sfi-harness/scenarios
  FILES_MATCHING PATTERN "*.yaml")
install(DIRECTORY fixtures/boards fixtures/keys DESTINATION ${CMAKE_INSTALL_DATADIR}/sfi-harness/fixtures)
install(FILES fixtures/racks/sim.yaml DESTINATION ${CMAKE_INSTALL_DATADIR}/sfi-harness/fixtures/racks)
install(FILES fixtures/images/sbsfu_bb.sfi fixtures/images/sbsfu_rdp_bb.sfi
  fixtures/images/rdp-0xAA.sfi fixtures/images/rdp-0xBB.sfi fixtures/images/sbsfu.bin
  DESTINATION ${CMAKE_INSTALL_DATADIR}/sfi-harness/fixtures/images)
install(FILES drivers/udev/70-sfi-harness.rules DESTINATION lib/udev/rules.d)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} FILES_MATCHING PATTERN "*.md")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sfi-harness)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "sfi-harness maintainers <sfi-harness@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "hardware-in-the-loop harness for STM32H7 Secure Firmware Install campaigns")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)     # libusb, libftdi1, libyaml, jansson, libxml2, libssl
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "udev")
include(CPack)
