/*
 * The JVM side of `make bench`: times the very class file seam runs (seam/bench/Kernels.class,
 * compiled against the Java Card API) on the JVM, meant to be started with -Xint (interpreter
 * only, no JIT). Usage: java -Xint -cp KERNELS_DIR:THIS_DIR BenchMain CALLS
 * Prints one line per kernel: name, calls, nanoseconds per call, and the result in hex, so the
 * bench can check both sides computed the same thing.
 */
import seam.bench.Kernels;

public final class BenchMain {
    private static String hex(byte[] b, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(String.format("%02X", b[i] & 0xff));
        }
        return s.toString();
    }

    public static void main(String[] args) {
        int calls = Integer.parseInt(args[0]);
        int[] w = new int[64];
        int[] h = new int[8];
        byte[] blk = new byte[64];
        byte[] msg = new byte[64];
        for (int i = 0; i < 64; i++) {
            msg[i] = (byte) i;
        }
        byte[] out = new byte[64];
        for (int round = 0; round < 2; round++) { /* the first round warms caches up */
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                Kernels.sha256(msg, (short) 0, (short) 64, out, (short) 0, w, h, blk);
            }
            long t1 = System.nanoTime();
            if (round == 1) {
                System.out.println("sha256 " + calls + " " + (t1 - t0) / calls + " " + hex(out, 32));
            }
        }
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        for (int i = 0; i < 32; i++) {
            a[i] = (byte) (0xA5 ^ i);
            b[i] = (byte) (0x3C + 7 * i);
        }
        for (int round = 0; round < 2; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                Kernels.mpmul(a, b, out, (short) 32);
            }
            long t1 = System.nanoTime();
            if (round == 1) {
                System.out.println("mpmul " + calls + " " + (t1 - t0) / calls + " " + hex(out, 64));
            }
        }
        short[] readings = new short[48];
        byte[] bandOf = new byte[48];
        short[] prices = {95, 245, 410};
        for (int i = 0; i < 48; i++) {
            readings[i] = (short) (150 + ((i * 37) % 400));
            bandOf[i] = (byte) (i < 14 ? 0 : (i >= 32 && i < 40 ? 2 : 1));
        }
        int[] balance = new int[1];
        for (int round = 0; round < 2; round++) {
            int cost = 0;
            balance[0] = 100000;
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                cost = Kernels.tariffDay(readings, bandOf, prices, (short) 250, (short) 500,
                                         balance);
            }
            long t1 = System.nanoTime();
            if (round == 1) {
                System.out.println("tariff " + calls + " " + (t1 - t0) / calls + " "
                        + String.format("%08X%08X", cost, balance[0]));
            }
        }
    }
}
