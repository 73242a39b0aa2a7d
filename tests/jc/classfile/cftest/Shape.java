/* Test input for tests/test_classfile.c: an interface with a constant and an abstract method. */
package cftest;

public interface Shape {
    int SIDES = 4;

    int area();
}
