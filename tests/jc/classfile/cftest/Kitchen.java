/* Test input for tests/test_classfile.c: a class that exercises the class file features the
 * parser must read (fields of every type, ConstantValue, a static initialiser, try/catch/finally,
 * both switch forms, virtual, static and interface calls, arrays, long and double constants). */
package cftest;

public class Kitchen implements Shape {
    public static final long BIG = 0x123456789abcdefL;
    public static final double PI = 3.141592653589793;
    public static final int ANSWER = 42;
    public static final String NAME = "kitchen";
    static final byte B = 7;
    boolean z;
    byte b;
    char c;
    short s;
    int i;
    long j;
    float f;
    double d;
    Object o;
    int[] ia;
    String[][] names;
    static int[] table;

    static {
        table = new int[] {1, 2, 3, 5, 8};
    }

    public Kitchen(int start) {
        i = start;
        j = BIG;
        d = PI;
    }

    public int area() {
        return i * 2;
    }

    public static int dense(int k) {
        switch (k) {
        case 0: return 10;
        case 1: return 11;
        case 2: return 12;
        case 3: return 13;
        default: return -1;
        }
    }

    public static int sparse(int k) {
        switch (k) {
        case -100: return 1;
        case 7: return 2;
        case 1000: return 3;
        default: return 0;
        }
    }

    public int guarded(int[] a, int k) {
        int r = 0;
        try {
            r = a[k] / k;
        } catch (ArithmeticException e) {
            r = -1;
        } catch (ArrayIndexOutOfBoundsException e) {
            r = -2;
        } finally {
            i++;
        }
        return r;
    }

    public long sum(Shape sh, long[] xs) {
        long t = sh.area();
        for (int n = 0; n < xs.length; n++)
            t += xs[n];
        return t + dense(3) + new Kitchen(1).area();
    }

    public double mix(float x, double y, long z2) {
        return x * y + z2 + PI;
    }
}
