/* Test input for tests/test_classfile.c: invokedynamic, MethodHandle, MethodType and
 * BootstrapMethods, from a lambda. */
package cftest;

public class Lambda {
    interface Op {
        int apply(int x);
    }

    static int twice(int y) {
        Op op = x -> x * 2 + y;
        return op.apply(y);
    }
}
