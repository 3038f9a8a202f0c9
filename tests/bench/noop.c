// SPDX-License-Identifier: GPL-2.0
/*
 * A static binary that does nothing: what starting any static program
 * costs (exec, C library start-up, exit). The start/stop benchmark
 * subtracts it.
 */
int main(void)
{
	return 0;
}
