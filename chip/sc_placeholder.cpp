// Keeps the SystemC library non-empty until the SystemC modules land.
#include <systemc>
